// The bundle's entry: Lambda calls exports.handler (handler setting "index.handler").
export { handler } from './handler';
