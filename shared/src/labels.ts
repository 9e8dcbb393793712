/**
 * Labels people read for the service's internal names: job types (queue names) and ledger operations. No zod here:
 * the web app imports this module at run time (`@igny8/shared/labels`) without bundling the contract's schemas.
 */

/**
 * Every job type the service runs (its pg-boss queue name), as people read it. The web app shows these; a type not
 * listed (added later) falls back to its action in words (see jobTypeLabel).
 */
export const JOB_TYPE_LABELS: Readonly<Record<string, string>> = {
  'accounts.export': 'Account export',
  'connect.site_health': 'Site connection check',
  'notifications.send_mail': 'Email',
  'planner.keyword_import': 'Keyword import',
  'planner.cluster_lexical': 'Keyword clustering',
  'planner.cluster_ai': 'Keyword clustering (AI)',
  'planner.cluster_embedding': 'Keyword clustering (meaning)',
  'planner.generate_ideas': 'Content ideas',
  'planner.sync_site_posts': 'Existing posts sync',
  'publisher.publish': 'Publishing',
  'publisher.unpublish': 'Unpublishing',
  'writer.generate_content': 'Article writing',
  'writer.regenerate_section': 'Section rewrite',
  'writer.generate_images': 'Article images',
  'writer.regenerate_image': 'Image remake',
  'writer.rewrite_block': 'Block rewrite',
  'writer.editor_image': 'Editor image',
  'ai.auto_cluster': 'AI clustering',
  'ai.generate_ideas': 'AI ideas',
  'ai.generate_content': 'AI writing',
  'ai.generate_image_prompts': 'AI image prompts',
  'ai.generate_images': 'AI images',
  'automation.run': 'Automation run',
  'automation.scheduled': 'Scheduled automation start',
};

/** A job type's label: "writer.generate_content" -> "Article writing"; an unknown type -> "Generate content". */
export function jobTypeLabel(type: string): string {
  const label = JOB_TYPE_LABELS[type];
  if (label) return label;
  const action = (type.split('.').pop() ?? type).replace(/_/g, ' ').trim();
  return action ? action[0]!.toUpperCase() + action.slice(1) : type;
}

/** A ledger operation (the AI function or job that used credits) as people read it. */
export const CREDIT_OPERATION_LABELS: Readonly<Record<string, string>> = {
  auto_cluster: 'Keyword clustering',
  generate_ideas: 'Content ideas',
  generate_content: 'Article writing',
  generate_image_prompts: 'Image prompts',
  generate_images: 'Images',
  rewrite_block: 'Block rewrite',
  cluster_embedding: 'Keyword clustering (meaning)',
};

export function creditOperationLabel(operation: string | null): string {
  if (!operation) return 'Other';
  const label = CREDIT_OPERATION_LABELS[operation];
  if (label) return label;
  const words = operation.replace(/[_.]/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : operation;
}
