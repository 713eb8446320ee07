import { firefox } from './drivers';
import { engineJourneys } from './journeys';

engineJourneys(firefox);
