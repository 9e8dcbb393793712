import { __, sprintf } from '@wordpress/i18n';
import type { TSector } from '@igny8/shared';

/**
 * The form's fields by the path the server names them with in a VALIDATION_FAILED (`batchSizes.cluster`), so a
 * refused field's message reads "Keywords clustered per run must be at most 5000" under that field.
 */
export const settingsLabels = (sectors: TSector[] = []): Record<string, string> => {
  const labels: Record<string, string> = {
    'schedule.enabled': __('Run on a schedule', 'igny8'),
    'schedule.frequency': __('How often', 'igny8'),
    'schedule.time': __('Time of day', 'igny8'),
    'schedule.weekday': __('Day of the week', 'igny8'),
    'schedule.cron': __('Cron expression', 'igny8'),
    'batchSizes.cluster': __('Keywords clustered per run', 'igny8'),
    'batchSizes.ideas': __('Clusters that get ideas per run', 'igny8'),
    'batchSizes.tasks': __('Ideas turned into tasks per run', 'igny8'),
    'batchSizes.articles': __('Articles written per run', 'igny8'),
    'batchSizes.images': __('Articles illustrated per run', 'igny8'),
    'batchSizes.publish': __('Articles published per run', 'igny8'),
    clusterMethod: __('Clustering method', 'igny8'),
    ideasPerCluster: __('Ideas per cluster', 'igny8'),
    autoApprove: __('Approve new ideas by themselves', 'igny8'),
    autoPublish: __('Publish finished articles by themselves', 'igny8'),
    publishStatus: __('Publish as', 'igny8'),
    'cadence.postsPerDay': __('Posts per day', 'igny8'),
    'cadence.time': __('First post of the day at', 'igny8'),
    imageCount: __('Images in each article', 'igny8'),
    runCreditCap: __('Credits one run may use', 'igny8'),
    monthlyCreditCap: __('Credits automation may use per month', 'igny8'),
    stopAfter: __('Stop after', 'igny8'),
  };
  for (const sector of sectors) {
    const fields = {
      enabled: __('Automate this sector', 'igny8'),
      ideasPerCluster: __('Ideas per cluster', 'igny8'),
      autoApprove: __('Approve ideas', 'igny8'),
      autoPublish: __('Publish', 'igny8'),
      imageCount: __('Images', 'igny8'),
    };
    for (const [field, label] of Object.entries(fields)) {
      /* translators: 1: a sector's name, 2: a setting's name */
      labels[`sectorOverrides.${sector.id}.${field}`] = sprintf(__('%1$s: %2$s', 'igny8'), sector.name, label);
    }
  }
  return labels;
};
