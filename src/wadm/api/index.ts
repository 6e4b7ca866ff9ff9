export { startApiServer, type ApiServer, type ApiServerOptions } from './server.js';
export { parseApiSubject, type ApiOperation, type ParsedApiSubject } from './subjects.js';
export { parsePutBody, type PutBody } from './put-body.js';
