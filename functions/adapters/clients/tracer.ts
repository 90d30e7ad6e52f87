/**
 * The one Powertools Tracer. Each AWS client module wraps its client with it, so every SDK call becomes an
 * X-Ray subsegment of the function's trace (with the operation, table or queue, and timing; X-Ray records no
 * keys, values or message bodies). Powertools switches it off outside Lambda, so the local cloud and the tests
 * run the same modules untraced.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';

export const tracer = new Tracer();
