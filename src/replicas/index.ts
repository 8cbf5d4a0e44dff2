export { ReplicaLink } from './redis.js';
