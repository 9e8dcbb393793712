import type { AiFunction } from '../../../generated/prisma/client.ts';
import type { TemplateSpec } from './template.ts';

/** Variables every function gets from the site and sector. */
const CONTEXT = ['language', 'voice', 'site_name', 'sector_name'] as const;

export const PROMPT_SPECS: Record<AiFunction, TemplateSpec> = {
  auto_cluster: { variables: [...CONTEXT, 'keywords', 'max_clusters'], required: ['keywords'] },
  generate_ideas: {
    variables: [...CONTEXT, 'cluster_name', 'keywords', 'idea_count', 'existing_titles'],
    required: ['cluster_name', 'keywords'],
  },
  generate_content: {
    variables: [...CONTEXT, 'title', 'outline', 'primary_keyword', 'secondary_keywords', 'target_words', 'section'],
    required: ['title'],
  },
  generate_image_prompts: { variables: [...CONTEXT, 'title', 'summary', 'image_count'], required: ['title'] },
  generate_images: { variables: [...CONTEXT, 'prompt', 'style'], required: ['prompt'] },
};

/** The built-in prompts, used until an operator saves a global version or an account its own. */
export const DEFAULT_PROMPTS: Record<AiFunction, string> = {
  auto_cluster: `Group these SEO keywords into topic clusters for {{site_name}} ({{sector_name}}). Put keywords that one
article could rank for in the same cluster; make at most {{max_clusters}} clusters; name each cluster after its most
important keyword, in {{language}}. Every keyword belongs to exactly one cluster.

Keywords, one per line:
{{keywords}}`,
  generate_ideas: `Propose {{idea_count}} article ideas for the topic cluster "{{cluster_name}}" on {{site_name}}
({{sector_name}}). Each idea: a title, the angle, the content type (how-to, listicle, guide, comparison or review), an
outline of H2 and H3 headings, a primary and secondary keywords taken from the cluster, the search intent and a target
word count. Write in {{language}}; voice: {{voice}}. Avoid repeating these existing titles: {{existing_titles}}.

Keywords of the cluster:
{{keywords}}`,
  generate_content: `Write the section "{{section}}" of the article "{{title}}" for {{site_name}}. Primary keyword:
{{primary_keyword}}; secondary keywords: {{secondary_keywords}}. The whole article is about {{target_words}} words
with this outline:
{{outline}}

Write in {{language}}; voice: {{voice}}. Use only facts you are sure of; no invented statistics or quotes.`,
  generate_image_prompts: `Write {{image_count}} image prompts for the article "{{title}}": one featured image and
the rest for the body. Each with alt text in {{language}} that describes the image for someone who cannot see it.
Article summary: {{summary}}`,
  generate_images: `{{prompt}}. Style: {{style}}. No text or letters in the image.`,
};
