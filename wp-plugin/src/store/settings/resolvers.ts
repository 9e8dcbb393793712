import { fetchBalance, fetchPublishing, fetchSite, fetchUsage } from './api';
import { toSettingsError } from './errors';
import type { SettingsAction, SettingsSection, SettingsThunkArgs, UsageGroupBy } from './types';

/** Runs a load; a failure goes to the panel's error for it to show with a "Try again". */
const load =
  (section: SettingsSection, request: () => Promise<SettingsAction>) =>
  async ({ dispatch }: SettingsThunkArgs): Promise<void> => {
    try {
      dispatch(await request());
    } catch (thrown) {
      dispatch({ type: 'FAIL', error: toSettingsError(section, 'load', thrown) });
    }
  };

export const getPublishing = () =>
  load('publishing', async () => ({ type: 'RECEIVE_PUBLISHING', settings: await fetchPublishing() }));

export const getSite = () => load('writing', async () => ({ type: 'RECEIVE_SITE', site: await fetchSite() }));

export const getBalance = () => load('usage', async () => ({ type: 'RECEIVE_BALANCE', balance: await fetchBalance() }));

export const getUsage = (groupBy: UsageGroupBy) =>
  load('usage', async () => ({ type: 'RECEIVE_USAGE', groupBy, report: await fetchUsage(groupBy) }));
