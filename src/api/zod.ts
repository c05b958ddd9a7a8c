import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// The request and response schemas are also the OpenAPI document's (openapi.ts): `.openapi()`
// adds what zod cannot say, such as "a file part". Import z from here where it is used.
extendZodWithOpenApi(z);

export { z };
