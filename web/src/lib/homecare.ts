// The home-care part of a knot-check result, arranged for reading: one entry per routine with a
// title that names the tool and the muscles, the dose as short lines, and the safety points that
// every routine shares said once instead of under each routine.
import { AssessmentResult } from "./api";

type Routine = AssessmentResult["home_care"][number];

export interface RoutineView {
  id: string;
  title: string;
  how: string;
  dose: string[];
  stretch?: string;
  cautions: string[]; // only this routine's own
}

const tools: Record<string, string> = { ball: "Massage ball", foam_roller: "Foam roller" };

export function toolName(tool: string): string {
  return tools[tool] ?? (tool.charAt(0).toUpperCase() + tool.slice(1)).replace(/_/g, " ");
}

function range([low, high]: number[], unit: string): string {
  return low === high ? `${low} ${unit}` : `${low} to ${high} ${unit}`;
}

export function homeCarePlan(routines: Routine[], muscleNames: Map<string, string>):
    { routines: RoutineView[]; shared: string[] } {
  const shared = routines.length < 2 ? [] : (routines[0].cautions ?? []).filter((c) =>
    routines.every((r) => (r.cautions ?? []).includes(c)));
  return {
    shared,
    routines: routines.map((r) => {
      const names = (r.muscles ?? []).map((m) => muscleNames.get(m)).filter((n): n is string => !!n);
      const dose: string[] = [];
      if (r.seconds?.length === 2) dose.push(`Hold each tender spot for ${range(r.seconds, "seconds")}.`);
      if (r.sets?.length === 2) dose.push(`${range(r.sets, r.sets[1] === 1 ? "set" : "sets")}.`.replace(/^./, (c) => c.toUpperCase()));
      if (r.how_often) dose.push(`${r.how_often}.`);
      return {
        id: r.id,
        title: names.length ? `${toolName(r.tool)} for the ${joinAnd(names.map((n) => n.toLowerCase()))}` : toolName(r.tool),
        how: r.how,
        dose,
        ...(r.stretch ? { stretch: r.stretch } : {}),
        cautions: (r.cautions ?? []).filter((c) => !shared.includes(c)),
      };
    }),
  };
}

export function joinAnd(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
