import { webkit } from './drivers';
import { engineJourneys } from './journeys';

engineJourneys(webkit);
