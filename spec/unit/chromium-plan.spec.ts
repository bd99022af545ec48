import { chromiumPath, chromiumPlan, DEBIAN_CHROMIUM, type MachineFacts } from '../browser/chromium';

/** What `npm test` does before the browser specs, on each kind of machine. */
describe('chromiumPlan', () => {
  const fresh: MachineFacts = {
    chromiumPath: DEBIAN_CHROMIUM,
    chromiumFound: false,
    hasAptGet: true,
    isRoot: false,
    hasPasswordlessSudo: false,
  };

  it('does nothing when Chromium is there', () => {
    expect(chromiumPlan({ ...fresh, chromiumFound: true })).toEqual({ action: 'ready' });
  });

  it("installs Debian's chromium as root", () => {
    expect(chromiumPlan({ ...fresh, isRoot: true })).toEqual({
      action: 'install',
      commands: [
        ['apt-get', 'update', '-qq'],
        ['apt-get', 'install', '-y', 'chromium'],
      ],
      shown: 'apt-get install -y chromium',
    });
  });

  it('installs it through sudo when sudo asks for no password', () => {
    expect(chromiumPlan({ ...fresh, hasPasswordlessSudo: true })).toMatchObject({
      action: 'install',
      commands: [
        ['sudo', '-n', 'apt-get', 'update', '-qq'],
        ['sudo', '-n', 'apt-get', 'install', '-y', 'chromium'],
      ],
    });
  });

  it('otherwise stops with the one command to run', () => {
    const plan = chromiumPlan(fresh);
    expect(plan.action).toBe('fail');
    expect(plan.action === 'fail' && plan.message).toBe(
      'The browser specs (spec/browser/) drive Chromium, which is not at /usr/bin/chromium. Install it with:\n\n' +
        '  sudo apt-get update && sudo apt-get install -y chromium\n\nthen run npm test again.',
    );
  });

  it('says how to point CHROMIUM_PATH elsewhere without apt-get, and never installs over a CHROMIUM_PATH that is wrong', () => {
    expect(chromiumPlan({ ...fresh, hasAptGet: false, isRoot: true })).toMatchObject({
      action: 'fail',
      message: expect.stringContaining('CHROMIUM_PATH=/path/to/chromium npm test'),
    });
    expect(chromiumPlan({ ...fresh, chromiumPath: '/opt/chrome/chrome', isRoot: true })).toMatchObject({
      action: 'fail',
      message: expect.stringContaining('Point CHROMIUM_PATH at a Chromium or Chrome binary, or unset it'),
    });
  });

  it('reads CHROMIUM_PATH, defaulting to Debian\'s path', () => {
    expect(chromiumPath({})).toBe('/usr/bin/chromium');
    expect(chromiumPath({ CHROMIUM_PATH: '/opt/chrome/chrome' })).toBe('/opt/chrome/chrome');
  });
});
