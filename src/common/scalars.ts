/** GraphQL scalars shared by every module. */
import { LocalDateResolver } from 'graphql-scalars';

/** `YYYY-MM-DD` calendar date (日期), validated on input. */
export const LocalDateScalar = LocalDateResolver;
