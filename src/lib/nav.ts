/** The app's pages, in navigation order. */
export const PAGES = [
  { href: '/predict', label: 'Predict' },
  { href: '/predictions', label: 'Predictions' },
  { href: '/data', label: 'Data' },
  { href: '/models', label: 'Models' },
  { href: '/monitor', label: 'Monitor' },
  { href: '/experiments', label: 'Experiments' },
  { href: '/abtests', label: 'A/B tests' },
  { href: '/settings', label: 'Settings & About' },
] as const;
