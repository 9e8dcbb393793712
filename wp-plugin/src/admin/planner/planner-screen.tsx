import { Button, SelectControl, Spinner, TabPanel } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice } from '../../components/error-notice';
import { NotConnected } from '../../components/not-connected';
import { store as plannerStore } from '../../store/planner';
import { ClustersPanel } from './clusters-panel';
import { KeywordsPanel } from './keywords-panel';
import { plannerSettings } from './planner-settings';
import { SectorForm } from './sector-form';

/** IGNY8 > Planner: a sector's keywords (import, filter, bulk actions), its clusters and their ideas. */
export function PlannerScreen() {
  const settings = plannerSettings();
  if (!settings.connected) {
    return (
      <div className="igny8-planner">
        <NotConnected
          title={__('This site is not connected to IGNY8 yet', 'igny8')}
          adminText={__('Connect it to your IGNY8 account to import keywords and plan articles here.', 'igny8')}
          canManageConnection={settings.canManageConnection}
          connectionUrl={settings.connectionUrl}
        />
      </div>
    );
  }
  return <ConnectedPlanner />;
}

function ConnectedPlanner() {
  const canAddSectors = plannerSettings().canManageConnection;
  const { sectors, hasLoaded, error } = useSelect((select) => {
    const planner = select(plannerStore);
    return {
      sectors: planner.getSectors(),
      hasLoaded: planner.hasFinishedResolution('getSectors'),
      error: planner.getError(),
    };
  }, []);
  const { clearError, invalidateResolutionForStore } = useDispatch(plannerStore);
  const [chosenSectorId, setSectorId] = useState('');
  // What the last action did, in words; read out by screen readers.
  const [statusMessage, setStatusMessage] = useState('');
  const [addingSector, setAddingSector] = useState(false);
  const sectorCreated = (sector: { id: string }) => {
    setSectorId(sector.id);
    setAddingSector(false);
  };

  const sectorId = chosenSectorId || sectors?.[0]?.id || '';
  const retryLoad = () => {
    clearError();
    invalidateResolutionForStore();
  };

  return (
    <div className="igny8-planner">
      {/* The import wizard shows its own errors, inside its dialog. */}
      {error && error.operation !== 'import' && error.operation !== 'mapping' && (
        <ErrorNotice
          message={error.message}
          onDismiss={clearError}
          onRetry={error.operation === 'load' ? retryLoad : undefined}
        />
      )}
      <div role="status" aria-live="polite" className="igny8-status">
        {statusMessage && <p>{statusMessage}</p>}
      </div>

      {!hasLoaded && (
        <p>
          <Spinner />
          {__('Loading the planner…', 'igny8')}
        </p>
      )}

      {hasLoaded && sectors && sectors.length === 0 && (
        <EmptyState title={__('This site has no sectors yet', 'igny8')}>
          {canAddSectors ? (
            <>
              <p>
                {__(
                  'Keywords are planned per sector (a topic area of the site, such as "Trail running"). Add the first one:',
                  'igny8',
                )}
              </p>
              <SectorForm onCreated={sectorCreated} announce={setStatusMessage} />
            </>
          ) : (
            <p>
              {__(
                'Keywords are planned per sector (a topic area of the site, such as "Trail running"). Ask an administrator of this site to add a sector, then reload this page.',
                'igny8',
              )}
            </p>
          )}
        </EmptyState>
      )}

      {hasLoaded && sectors && sectors.length > 0 && (
        <>
          <div className="igny8-planner__sector">
            <SelectControl
              label={__('Sector', 'igny8')}
              value={sectorId}
              options={sectors.map((sector) => ({ label: sector.name, value: sector.id }))}
              onChange={(value: string) => setSectorId(value)}
            />
            {canAddSectors && !addingSector && (
              <Button variant="tertiary" onClick={() => setAddingSector(true)}>
                {__('Add a sector', 'igny8')}
              </Button>
            )}
          </div>
          {addingSector && <SectorForm onCreated={sectorCreated} announce={setStatusMessage} />}
          <TabPanel
            className="igny8-planner__tabs"
            tabs={[
              { name: 'keywords', title: __('Keywords', 'igny8') },
              { name: 'clusters', title: __('Clusters and ideas', 'igny8') },
            ]}
          >
            {(tab: { name: string }) =>
              tab.name === 'keywords' ? (
                <KeywordsPanel key={sectorId} sectorId={sectorId} announce={setStatusMessage} />
              ) : (
                <ClustersPanel key={sectorId} sectorId={sectorId} announce={setStatusMessage} />
              )
            }
          </TabPanel>
        </>
      )}
    </div>
  );
}
