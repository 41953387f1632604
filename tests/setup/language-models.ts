// Tests call cleanDocument and detectLanguage directly, as the use cases do after loading the models.
import { loadLanguageModels } from '../../shared/cleaning/language.js';

await loadLanguageModels();
