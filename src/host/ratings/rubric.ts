import type { RatingCriterion } from '../../shared/ratingProtocol';

/**
 * The rows of stars a prompt asks for: `overall` first (the scoreboard's default criterion,
 * and what blind mode waits for before it reveals), then each `workbench.rubric` criterion
 * (name → description) the prompt declares.
 */
export function criteriaOf(workbench: Record<string, unknown> | undefined): RatingCriterion[] {
  const criteria: RatingCriterion[] = [{ name: 'overall', description: null }];
  const rubric = workbench?.rubric;
  if (rubric && typeof rubric === 'object' && !Array.isArray(rubric)) {
    for (const [name, description] of Object.entries(rubric as Record<string, unknown>)) {
      const key = name.trim();
      if (!key || key === 'overall') continue;
      criteria.push({ name: key, description: typeof description === 'string' ? description : description == null ? null : JSON.stringify(description) });
    }
  }
  return criteria;
}
