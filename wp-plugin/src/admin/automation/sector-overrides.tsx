import { SelectControl, Spinner } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import type { TAutomationSectorOverride, TSector } from '@igny8/shared';
import { FieldError, type FieldContext } from './fields';
import type { DraftEditor } from './draft';

type OverrideKey = keyof TAutomationSectorOverride;

const yesNo = (siteValue: boolean) => [
  {
    value: '',
    label: sprintf(
      /* translators: %s: the site's setting, Yes or No */
      __('As the site (%s)', 'igny8'),
      siteValue ? __('Yes', 'igny8') : __('No', 'igny8'),
    ),
  },
  { value: 'true', label: __('Yes', 'igny8') },
  { value: 'false', label: __('No', 'igny8') },
];

const numbers = (siteValue: number | null, min: number, max: number) => [
  {
    value: '',
    /* translators: %s: the site's setting, a number */
    label: sprintf(__('As the site (%s)', 'igny8'), siteValue === null ? '—' : String(siteValue)),
  },
  ...Array.from({ length: max - min + 1 }, (_, index) => ({ value: String(min + index), label: String(min + index) })),
];

/**
 * Per-sector overrides of the site's settings: a sector can be left out of automation, or get its own ideas per
 * cluster, approval, publishing and image count. "As the site" removes the override.
 */
export function SectorOverrides({
  editor,
  context,
  sectors,
}: {
  editor: DraftEditor;
  context: FieldContext;
  sectors: TSector[] | null;
}) {
  const { draft } = editor;
  const change = (sectorId: string, key: OverrideKey, text: string) => {
    const current: TAutomationSectorOverride = {
      ...(draft.sectorOverrides[sectorId] ?? {}),
    } as TAutomationSectorOverride;
    if (text === '') {
      delete current[key];
    } else if (key === 'ideasPerCluster' || key === 'imageCount') {
      current[key] = Number(text);
    } else {
      current[key] = text === 'true';
    }
    const { [sectorId]: _previous, ...others } = draft.sectorOverrides;
    editor.set('sectorOverrides', Object.keys(current).length > 0 ? { ...others, [sectorId]: current } : others);
  };

  const columns: { key: OverrideKey; heading: string; options: { value: string; label: string }[] }[] = [
    { key: 'enabled', heading: __('Automate', 'igny8'), options: yesNo(true) },
    {
      key: 'ideasPerCluster',
      heading: __('Ideas per cluster', 'igny8'),
      options: numbers(draft.ideasPerCluster, 1, 10),
    },
    { key: 'autoApprove', heading: __('Approve ideas', 'igny8'), options: yesNo(draft.autoApprove) },
    { key: 'autoPublish', heading: __('Publish', 'igny8'), options: yesNo(draft.autoPublish) },
    { key: 'imageCount', heading: __('Images', 'igny8'), options: numbers(draft.imageCount, 0, 6) },
  ];

  return (
    <fieldset className="igny8-automation__group">
      <legend>{__('Sectors', 'igny8')}</legend>
      {sectors === null && (
        <p>
          <Spinner />
          {__('Loading the sectors…', 'igny8')}
        </p>
      )}
      {sectors?.length === 0 && (
        <p className="description">
          {__('This site has no sectors yet. Add them in the Planner to give a sector settings of its own.', 'igny8')}
        </p>
      )}
      {sectors && sectors.length > 0 && (
        <table className="wp-list-table widefat striped igny8-automation__sectors">
          <caption>{__('Each sector follows the site’s settings unless you choose otherwise here.', 'igny8')}</caption>
          <thead>
            <tr>
              <th scope="col">{__('Sector', 'igny8')}</th>
              {columns.map((column) => (
                <th scope="col" key={column.key}>
                  {column.heading}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {sectors.map((sector) => {
              const override = draft.sectorOverrides[sector.id] ?? {};
              return (
                <tr key={sector.id}>
                  <th scope="row">{sector.name}</th>
                  {columns.map((column) => {
                    const path = `sectorOverrides.${sector.id}.${column.key}`;
                    const value = override[column.key];
                    return (
                      <td key={column.key}>
                        <SelectControl
                          label={context.labels[path] ?? path}
                          hideLabelFromVision
                          value={value === undefined || value === null ? '' : String(value)}
                          options={column.options}
                          disabled={context.disabled}
                          onChange={(text: string) => change(sector.id, column.key, text)}
                        />
                        <FieldError path={path} message={context.errors[path]} />
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </fieldset>
  );
}
