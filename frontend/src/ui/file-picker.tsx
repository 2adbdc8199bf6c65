/** A file field in the app's language: a button to choose the file and the chosen file's name
 * (the browser's own control speaks its own language, not the app's). */
import { useState } from 'preact/hooks';
import { t, useT } from '../i18n';
import { Icon } from './icons';

export function FilePicker({ label, accept, onPick, testId, required = false }: {
  label: string;
  accept: string;
  onPick: (file: File | null) => void;
  testId: string;
  required?: boolean;
}) {
  useT();
  const [name, setName] = useState<string | null>(null);
  return (
    <div class="field">
      <span>{label}</span>
      <label class="file-picker">
        <span class="button button-secondary">
          <Icon name="upload" />
          {t('file_choose')}
        </span>
        <span class={name ? 'file-name' : 'file-name muted'} data-testid={`${testId}-name`}>{name ?? t('file_none')}</span>
        <input type="file" accept={accept} class="visually-hidden" required={required} aria-label={label} data-testid={testId}
          onChange={(e) => {
            const file = (e.target as HTMLInputElement).files?.[0] ?? null;
            setName(file?.name ?? null);
            onPick(file);
          }} />
      </label>
    </div>
  );
}
