// Route matching as HTTP API does it: method and path, `{param}` one segment, `{param+}` the rest.
import { type PageRouteDefinition, pageRoutes, type RouteDefinition, routes } from '../lambda/routes';

/** What matching needs of a row: an API route's or a page route's. */
type Matchable = Pick<RouteDefinition, 'method' | 'path'>;

export interface MatchedRoute<R extends Matchable = RouteDefinition> {
  readonly route: R;
  readonly pathParameters: Record<string, string>;
}

const compileRoute = <R extends Matchable>(route: R) => {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)(\+?)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1] ?? '');
      // A greedy {param+} also takes the empty rest: `/account/` is the app's own address.
      return param[2] ? '(.*)' : '([^/]+)';
    })
    .join('/');
  return { route, names, regex: new RegExp(`^${source}$`) };
};

const decode = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

/** Builds `(method, rawPath) → route`; literal paths win over parameterised ones, as in API Gateway. */
export const createRouteMatcher = <R extends Matchable = RouteDefinition>(
  table: readonly R[] = routes as unknown as readonly R[],
) => {
  const compiled = table
    .map(compileRoute)
    .sort((a, b) => a.names.length - b.names.length || b.route.path.length - a.route.path.length);
  return (method: string, rawPath: string): MatchedRoute<R> | undefined => {
    for (const { route, names, regex } of compiled) {
      if (route.method !== method) continue;
      const match = regex.exec(rawPath);
      if (!match) continue;
      const pathParameters = Object.fromEntries(names.map((name, i) => [name, decode(match[i + 1] ?? '')]));
      return { route, pathParameters };
    }
    return undefined;
  };
};

/** The page routes (lambda/routes.ts), which the pages function serves. */
export const matchPageRoute = createRouteMatcher<PageRouteDefinition>(pageRoutes);

/** A path the pages function serves (the account pages and their assets): not the API. */
export const isPagePath = (path: string): boolean => matchPageRoute('GET', path) !== undefined;
