import type { RequestContext } from '../common/context';
import type { Loaders } from '../common/loaders';
import type { Services } from '../services';

/** What every resolver receives. */
export interface GraphQLContext {
  ctx: RequestContext;
  services: Services;
  loaders: Loaders;
}
