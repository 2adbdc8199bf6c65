/** The office's string tables join the app's when the office screens load: imported first by
 * the office shell, so every office module finds its strings, and a phone never loads them. */
import { registerStrings } from '../i18n';
import * as provinceStrings from './province/strings';
import * as officeStrings from './strings';

registerStrings(officeStrings);
registerStrings(provinceStrings);
