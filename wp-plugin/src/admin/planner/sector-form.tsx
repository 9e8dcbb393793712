import { Button, TextControl } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { store as plannerStore } from '../../store/planner';
import type { TSector } from '@igny8/shared';

/** The server's bound on a sector's name (shared/src/tenancy.ts). */
const NAME_MAX = 120;

interface SectorFormProps {
  /** Called with the new sector once the server created it. */
  onCreated: (sector: TSector) => void;
  announce: (message: string) => void;
}

/** "Add a sector": a name, checked here first, then created on the server for this site (admins only). */
export function SectorForm({ onCreated, announce }: SectorFormProps) {
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const busy = useSelect((select) => select(plannerStore).isPending('sector'), []);
  const { createSector } = useDispatch(plannerStore);

  const submit = async (event: { preventDefault: () => void }) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '') {
      setProblem(__('Type a name for the sector, such as "Trail running".', 'igny8'));
      return;
    }
    if (trimmed.length > NAME_MAX) {
      /* translators: %d: the longest name allowed, in characters. */
      setProblem(sprintf(__('A sector name has at most %d characters.', 'igny8'), NAME_MAX));
      return;
    }
    setProblem(null);
    const sector = (await createSector(trimmed)) as TSector | null;
    if (sector) {
      setName('');
      /* translators: %s: the sector's name. */
      announce(sprintf(__('Sector “%s” added.', 'igny8'), sector.name));
      onCreated(sector);
    }
  };

  return (
    <form className="igny8-planner__sector-form" onSubmit={submit} noValidate>
      <TextControl
        label={__('New sector', 'igny8')}
        help={problem ?? __('A topic area of the site; keywords, clusters and ideas are planned per sector.', 'igny8')}
        value={name}
        onChange={(value: string) => setName(value)}
        maxLength={NAME_MAX}
        aria-invalid={problem ? true : undefined}
      />
      <Button variant="secondary" type="submit" isBusy={busy} disabled={busy} aria-disabled={busy}>
        {__('Add sector', 'igny8')}
      </Button>
    </form>
  );
}
