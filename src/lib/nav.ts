/** The app's pages, in navigation order. `ready` pages are built; the rest say so and link to Data. */
export const PAGES = [
  { href: '/predict', label: 'Predict', ready: true },
  { href: '/predictions', label: 'Predictions', ready: true },
  { href: '/data', label: 'Data', ready: true },
  { href: '/models', label: 'Models', ready: true },
  { href: '/monitor', label: 'Monitor', ready: true },
  { href: '/experiments', label: 'Experiments', ready: true },
  { href: '/abtests', label: 'A/B tests', ready: false },
  { href: '/settings', label: 'Settings & About', ready: true },
] as const;
