export { Pattern, type Condition, type CepConditionContext, type ConsumingStrategy } from "./Pattern.js";
export { AfterMatchSkipStrategy } from "./AfterMatchSkipStrategy.js";
export { CEP, PatternStream } from "./CEP.js";
export type { PatternProcessFunction, PatternContext } from "./CepOperator.js";
