import { fetchConnection } from '../../api/connection';
import { receiveConnection } from './actions';
import { toConnectionError } from './errors';
import type { ConnectionThunkArgs } from './types';

export const getConnection =
  () =>
  async ({ dispatch }: ConnectionThunkArgs): Promise<void> => {
    try {
      dispatch(receiveConnection(await fetchConnection()));
    } catch (thrown) {
      dispatch({ type: 'FAIL_OPERATION', error: toConnectionError('load', thrown) });
    }
  };
