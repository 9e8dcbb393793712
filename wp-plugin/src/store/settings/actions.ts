import { patchSite, savePublishingSettings } from './api';
import { toSettingsError } from './errors';
import type {
  PublishingChanges,
  PublishingSettings,
  SettingsAction,
  SettingsSection,
  SettingsThunkArgs,
  SiteSettings,
  WritingChanges,
} from './types';

export const clearError = (section: SettingsSection): SettingsAction => ({ type: 'CLEAR_ERROR', section });

/** Saves the publishing defaults; resolves to the saved settings, or null when refused (the error is in the store). */
export const savePublishing =
  (changes: PublishingChanges) =>
  async ({ dispatch }: SettingsThunkArgs): Promise<PublishingSettings | null> => {
    dispatch({ type: 'START_SAVE', section: 'publishing' });
    try {
      const settings = await savePublishingSettings(changes);
      dispatch({ type: 'RECEIVE_PUBLISHING', settings });
      return settings;
    } catch (thrown) {
      dispatch({ type: 'FAIL', error: toSettingsError('publishing', 'save', thrown) });
      return null;
    }
  };

/**
 * Saves the site's language and voice on the server; resolves to the site, or null when refused. `fieldLabels`
 * names the fields as the screen does, for the server's field messages ("Language must be a language tag...").
 */
export const saveWriting =
  (changes: WritingChanges, fieldLabels: Record<string, string>) =>
  async ({ dispatch }: SettingsThunkArgs): Promise<SiteSettings | null> => {
    dispatch({ type: 'START_SAVE', section: 'writing' });
    try {
      const site = await patchSite(changes);
      dispatch({ type: 'RECEIVE_SITE', site });
      return site;
    } catch (thrown) {
      dispatch({ type: 'FAIL', error: toSettingsError('writing', 'save', thrown, fieldLabels) });
      return null;
    }
  };
