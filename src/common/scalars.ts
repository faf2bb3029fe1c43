/** GraphQL scalars shared by every module. */
import { GraphQLScalarType } from 'graphql';
import { LocalDateResolver } from 'graphql-scalars';

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `YYYY-MM-DD` calendar date (日期), validated on input (graphql-scalars' LocalDate). Output values come
 * from DATE columns, which only hold real dates: checking their shape is enough, and saves parsing a
 * Date for every date of every row.
 */
export const LocalDateScalar = new GraphQLScalarType({
  ...LocalDateResolver.toConfig(),
  serialize: (value: unknown) => (typeof value === 'string' && DATE_SHAPE.test(value) ? value : LocalDateResolver.serialize(value)),
});
