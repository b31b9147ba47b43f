// Route matching as HTTP API does it: method and path, `{param}` one segment, `{param+}` the rest.
import { type RouteDefinition, routes } from '../lambda/routes';

export interface MatchedRoute {
  readonly route: RouteDefinition;
  readonly pathParameters: Record<string, string>;
}

const compileRoute = (route: RouteDefinition) => {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)(\+?)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1] ?? '');
      return param[2] ? '(.+)' : '([^/]+)';
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
export const createRouteMatcher = (table: readonly RouteDefinition[] = routes) => {
  const compiled = table
    .map(compileRoute)
    .sort((a, b) => a.names.length - b.names.length || b.route.path.length - a.route.path.length);
  return (method: string, rawPath: string): MatchedRoute | undefined => {
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
