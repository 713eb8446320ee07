/** Every page of the app with the heading it opens with: shared by the Chromium and the cross-engine suites. */
export const PAGE_HEADINGS: [path: string, heading: string | RegExp][] = [
  ['/', /Sporeprint/],
  ['/predict', /^Predict ·/],
  ['/predictions', /^Predictions/],
  ['/data', /^Data/],
  ['/models', /^Models/],
  ['/monitor', /^Monitor/],
  ['/experiments', /^Experiments/],
  ['/abtests', /^A\/B tests/],
  ['/settings', 'Settings & About'],
];
