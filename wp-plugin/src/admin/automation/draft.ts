import type { SettingsDraft } from '../../store/automation';

/** The settings groups that are objects of their own (`schedule.time`, `batchSizes.cluster`...). */
export type DraftGroup = 'schedule' | 'stages' | 'batchSizes' | 'cadence';

/** How the form's sections change the draft: a top-level setting, or one setting of a group. */
export interface DraftEditor {
  draft: SettingsDraft;
  set: <K extends keyof SettingsDraft>(key: K, value: SettingsDraft[K]) => void;
  setIn: <G extends DraftGroup, K extends keyof SettingsDraft[G]>(group: G, key: K, value: SettingsDraft[G][K]) => void;
}

export const withSetting = <K extends keyof SettingsDraft>(
  draft: SettingsDraft,
  key: K,
  value: SettingsDraft[K],
): SettingsDraft => ({ ...draft, [key]: value });

export const withGroupSetting = <G extends DraftGroup, K extends keyof SettingsDraft[G]>(
  draft: SettingsDraft,
  group: G,
  key: K,
  value: SettingsDraft[G][K],
): SettingsDraft => ({ ...draft, [group]: { ...(draft[group] as object), [key]: value } });
