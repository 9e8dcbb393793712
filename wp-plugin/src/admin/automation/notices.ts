/**
 * The screen's outcomes as WordPress notices (the `core/notices` store), shown at the top of the screen by
 * <ScreenNotices>, in their own context so other scripts' notices stay theirs.
 */
export const NOTICE_CONTEXT = 'igny8/automation';
