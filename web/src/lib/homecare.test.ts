import { describe, expect, test } from "vitest";
import { homeCarePlan, joinAnd, toolName } from "./homecare";

const ball = { id: "ut_ball", muscles: ["upper_trapezius"], tool: "ball", how: "Lean into the ball.",
  seconds: [30, 90], sets: [1, 3], how_often: "Once a day, or 3 to 5 days a week", stretch: "Side-bend.",
  cautions: ["Not on bone.", "Never on the neck with a roller."] };
const roller = { id: "rh_roll", muscles: ["rhomboid", "middle_trapezius"], tool: "foam_roller", how: "Roll slowly.",
  seconds: [60, 60], sets: [1, 1], cautions: ["Not on bone.", "Keep the hips down."] };
const names = new Map([["upper_trapezius", "Upper trapezius"], ["rhomboid", "Rhomboids"], ["middle_trapezius", "Middle trapezius"]]);

describe("homeCarePlan", () => {
  test("titles name the tool and the muscles; dose lines read as sentences", () => {
    const plan = homeCarePlan([ball, roller], names);
    expect(plan.routines[0].title).toBe("Massage ball for the upper trapezius");
    expect(plan.routines[0].dose).toEqual(["Hold each tender spot for 30 to 90 seconds.", "1 to 3 sets.",
      "Once a day, or 3 to 5 days a week."]);
    expect(plan.routines[1].title).toBe("Foam roller for the rhomboids and middle trapezius");
    expect(plan.routines[1].dose).toEqual(["Hold each tender spot for 60 seconds.", "1 set."]);
  });

  test("safety points every routine shares are said once; the rest stay with their routine", () => {
    const plan = homeCarePlan([ball, roller], names);
    expect(plan.shared).toEqual(["Not on bone."]);
    expect(plan.routines[0].cautions).toEqual(["Never on the neck with a roller."]);
    expect(plan.routines[1].cautions).toEqual(["Keep the hips down."]);
  });

  test("a single routine keeps all its own cautions", () => {
    const plan = homeCarePlan([ball], names);
    expect(plan.shared).toEqual([]);
    expect(plan.routines[0].cautions).toEqual(ball.cautions);
  });

  test("muscles the result does not name are left out of the title", () => {
    expect(homeCarePlan([{ ...ball, muscles: ["unknown"] }], names).routines[0].title).toBe("Massage ball");
  });

  test("helpers", () => {
    expect(joinAnd(["a", "b", "c"])).toBe("a, b and c");
    expect(joinAnd(["a"])).toBe("a");
    expect(toolName("foam_roller")).toBe("Foam roller");
    expect(toolName("lacrosse_ball")).toBe("Lacrosse ball");
  });
});
