export const STORE_NAME = 'igny8/settings';
