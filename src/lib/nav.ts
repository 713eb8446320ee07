/**
 * The app's pages, in navigation order. `primary` places sit in the phone's bottom bar, the others
 * in its "More" sheet; `icon` is an SVG path on a 24×24 grid.
 */
export const PAGES = [
  {
    href: '/predict',
    label: 'Predict',
    primary: true,
    hint: 'Is this mushroom edible?',
    icon: 'M10 3a7 7 0 0 1 5.6 11.2l5.1 5.1-1.4 1.4-5.1-5.1A7 7 0 1 1 10 3zm0 2a5 5 0 1 0 0 10 5 5 0 0 0 0-10z',
  },
  { href: '/predictions', label: 'Predictions', short: 'History', primary: true, hint: 'Past answers and expert feedback', icon: 'M4 5h16v2H4zm0 6h16v2H4zm0 6h11v2H4z' },
  {
    href: '/data',
    label: 'Data',
    primary: true,
    hint: 'Import CSV files, data versions',
    icon: 'M12 2c4.4 0 8 1.3 8 3v14c0 1.7-3.6 3-8 3s-8-1.3-8-3V5c0-1.7 3.6-3 8-3zm6 5.3C16.5 8 14.4 8.3 12 8.3S7.5 8 6 7.3V11c0 .6 2.4 1.6 6 1.6s6-1 6-1.6zm0 6.4c-1.5.7-3.6 1-6 1s-4.5-.3-6-1V19c0 .6 2.4 1.6 6 1.6s6-1 6-1.6z',
  },
  {
    href: '/models',
    label: 'Models',
    primary: true,
    hint: 'Train, compare, promote',
    icon: 'M12 2 22 7 12 12 2 7zm-7.8 8.9L12 14.8l7.8-3.9L22 12 12 17 2 12zm0 5L12 19.8l7.8-3.9L22 17 12 22 2 17z',
  },
  { href: '/monitor', label: 'Monitor', primary: false, hint: 'Drift, quality and alerts', icon: 'M3 3h2v16h16v2H3zm4 12 4-5 3 3 5-7 1.6 1.2-6.4 9-3-3-3.2 4z' },
  {
    href: '/experiments',
    label: 'Experiments',
    primary: false,
    hint: 'Training runs side by side',
    icon: 'M9 2h6v2h-1v5l5.6 9.6A1.6 1.6 0 0 1 18.2 21H5.8a1.6 1.6 0 0 1-1.4-2.4L10 9V4H9zm3 9.3L8.2 17h7.6z',
  },
  { href: '/abtests', label: 'A/B tests', primary: false, hint: 'Champion against challenger', icon: 'M6 3h2v6.6l4 4V21h-2v-6.6l-4-4zm10 0h2v7.4l-3.3 3.3-1.4-1.4 2.7-2.7z' },
  {
    href: '/settings',
    label: 'Settings & About',
    primary: false,
    hint: 'Storage, backup, alerts, credits',
    icon: 'M4 6h9v2H4zm11-2h2v6h-2zm2 2h3v2h-3zM4 16h3v2H4zm5-2h2v6H9zm2 2h9v2h-9z',
  },
] as const;

export type Place = (typeof PAGES)[number];

/** The "More" button's icon: three dots. */
export const MORE_ICON = 'M5 10a2 2 0 1 1 0 4 2 2 0 0 1 0-4zm7 0a2 2 0 1 1 0 4 2 2 0 0 1 0-4zm7 0a2 2 0 1 1 0 4 2 2 0 0 1 0-4z';
