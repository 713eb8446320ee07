/**
 * How much memory a training run may take on this device. Chromium reports the device's RAM as
 * `navigator.deviceMemory` (in GB, rounded to a power of two; Chromium 156 on a 24 GB machine says 16)
 * in workers too, on secure origins; a quarter of it leaves room for the page, the browser and the
 * rest of the system. Where it is not reported (Firefox, Safari) the budget is that of an 8 GB device.
 */
const GB = 2 ** 30;
const SHARE_OF_DEVICE = 0.25;
const UNREPORTED_DEVICE_GB = 8;

export function trainingMemoryBudget(deviceMemoryGb = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory): number {
  const gb = typeof deviceMemoryGb === 'number' && deviceMemoryGb > 0 ? deviceMemoryGb : UNREPORTED_DEVICE_GB;
  return gb * GB * SHARE_OF_DEVICE;
}
