import type { SettingsAction, SettingsState } from './types';

export const initialState: SettingsState = {
  publishing: null,
  site: null,
  balance: null,
  usage: {},
  saving: null,
  errors: {},
};

const withoutError = (state: SettingsState, section: keyof SettingsState['errors']): SettingsState['errors'] => {
  const { [section]: _removed, ...rest } = state.errors;
  return rest;
};

const reducer = (state: SettingsState = initialState, action: SettingsAction): SettingsState => {
  switch (action.type) {
    case 'RECEIVE_PUBLISHING':
      return {
        ...state,
        publishing: action.settings,
        saving: state.saving === 'publishing' ? null : state.saving,
        errors: withoutError(state, 'publishing'),
      };
    case 'RECEIVE_SITE':
      return {
        ...state,
        site: action.site,
        saving: state.saving === 'writing' ? null : state.saving,
        errors: withoutError(state, 'writing'),
      };
    case 'RECEIVE_BALANCE':
      return { ...state, balance: action.balance };
    case 'RECEIVE_USAGE':
      return { ...state, usage: { ...state.usage, [action.groupBy]: action.report } };
    case 'START_SAVE':
      return { ...state, saving: action.section, errors: withoutError(state, action.section) };
    case 'FAIL':
      return {
        ...state,
        saving: state.saving === action.error.section ? null : state.saving,
        errors: { ...state.errors, [action.error.section]: action.error },
      };
    case 'CLEAR_ERROR':
      return { ...state, errors: withoutError(state, action.section) };
    default:
      return state;
  }
};

export default reducer;
