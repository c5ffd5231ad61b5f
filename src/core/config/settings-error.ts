/** One violated rule of one setting. `rule` never contains the setting's value. */
export interface SettingsProblem {
  readonly setting: string;
  readonly rule: string;
}

/**
 * Every problem found in the settings of a starting worker, reported at once so an operator fixes
 * a deployment in one round trip. The message is one `SETTING: rule` line per problem and never
 * contains a setting's value, so it is safe to print or log as-is.
 */
export class SettingsError extends Error {
  readonly problems: readonly SettingsProblem[];

  constructor(problems: readonly SettingsProblem[]) {
    const copy = Object.freeze(problems.map((p) => Object.freeze({ setting: p.setting, rule: p.rule })));
    super(copy.map((p) => `${p.setting}: ${p.rule}`).join('\n'));
    this.name = 'SettingsError';
    this.problems = copy;
  }
}
