import { __, sprintf } from '@wordpress/i18n';
import { ChoiceField, CheckField, type FieldContext, TextField, TimeField } from './fields';
import { dateTimeText } from './dates';
import type { DraftEditor } from './draft';
import { WEEKDAYS } from './labels';

interface ScheduleFieldsProps {
  editor: DraftEditor;
  context: FieldContext;
  /** The site's IANA time zone, in which the schedule is read. */
  timezone: string;
  /** When the saved schedule fires next (null when it is off). */
  nextRunAt: string | null;
}

/** When runs start by themselves, in the site's time zone, with the next run the saved schedule gives. */
export function ScheduleFields({ editor, context, timezone, nextRunAt }: ScheduleFieldsProps) {
  const { schedule } = editor.draft;
  const frequency = schedule.frequency;
  return (
    <fieldset className="igny8-automation__group">
      <legend>{__('Schedule', 'igny8')}</legend>
      <CheckField
        path="schedule.enabled"
        context={context}
        value={schedule.enabled}
        onChange={(value) => editor.setIn('schedule', 'enabled', value)}
        help={__('Off: runs start only when someone presses Run now.', 'igny8')}
      />
      {schedule.enabled && (
        <div className="igny8-automation__row">
          <ChoiceField
            path="schedule.frequency"
            context={context}
            value={frequency}
            onChange={(value) => editor.setIn('schedule', 'frequency', value)}
            options={[
              { value: 'hourly', label: __('Every hour', 'igny8') },
              { value: 'daily', label: __('Every day', 'igny8') },
              { value: 'weekly', label: __('Every week', 'igny8') },
              { value: 'custom', label: __('Custom (cron)', 'igny8') },
            ]}
          />
          {frequency === 'weekly' && (
            <ChoiceField
              path="schedule.weekday"
              context={context}
              value={String(schedule.weekday ?? 1)}
              onChange={(value) => editor.setIn('schedule', 'weekday', Number(value))}
              options={WEEKDAYS().map((label, day) => ({ value: String(day), label }))}
            />
          )}
          {(frequency === 'daily' || frequency === 'weekly') && (
            <TimeField
              path="schedule.time"
              context={context}
              value={schedule.time}
              onChange={(value) => editor.setIn('schedule', 'time', value)}
            />
          )}
          {frequency === 'custom' && (
            <TextField
              path="schedule.cron"
              context={context}
              value={schedule.cron ?? ''}
              onChange={(value) => editor.setIn('schedule', 'cron', value.trim() === '' ? null : value)}
              help={__('Five fields: minute, hour, day of month, month, day of week; e.g. 0 6 * * 1-5.', 'igny8')}
            />
          )}
        </div>
      )}
      <p className="igny8-automation__timezone" data-testid="igny8-automation-timezone">
        {sprintf(
          /* translators: %s: a time zone such as Europe/Lisbon */
          __('Times are in the site’s time zone, %s.', 'igny8'),
          timezone,
        )}{' '}
        {nextRunAt
          ? sprintf(
              /* translators: %s: a date and time */
              __('Next run: %s.', 'igny8'),
              dateTimeText(nextRunAt, timezone),
            )
          : __('No run is scheduled.', 'igny8')}
      </p>
    </fieldset>
  );
}
