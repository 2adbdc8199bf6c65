/** One photo from the phone's camera: taken, shrunk, previewed and removable before it is sent. */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';
import { shrinkPhoto } from '../photo';
import { Icon } from './icons';

export interface TakenPhoto {
  blob: Blob;
  url: string;
}

/** The photo taken (null: none), a setter, and the file input's change handler. */
export function usePhoto(): [TakenPhoto | null, (photo: TakenPhoto | null) => void, (event: Event) => Promise<void>] {
  const [photo, setPhoto] = useState<TakenPhoto | null>(null);
  useEffect(() => () => {
    if (photo) URL.revokeObjectURL(photo.url);
  }, [photo]);
  async function take(event: Event) {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const blob = await shrinkPhoto(file);
    setPhoto({ blob, url: URL.createObjectURL(blob) });
  }
  return [photo, setPhoto, take];
}

export function PhotoPicker({ label, photo, onTake, onClear }: {
  label: string;
  photo: TakenPhoto | null;
  onTake: (event: Event) => Promise<void>;
  onClear: () => void;
}) {
  return (
    <div class="photo-row">
      <label class="button button-secondary">
        <Icon name="camera" />
        {label}
        <input type="file" accept="image/*" capture="environment" class="visually-hidden" onChange={onTake} />
      </label>
      {photo && (
        <div class="photo-preview">
          <img src={photo.url} alt={t('log_photo_taken')} />
          <button type="button" class="icon-button" aria-label={t('remove_photo')} onClick={onClear}>
            <Icon name="close" />
          </button>
        </div>
      )}
    </div>
  );
}
