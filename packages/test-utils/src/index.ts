export {
  CAN_MKNOD,
  CAN_MOUNT,
  makeCharacterDevice,
  makeFifo,
  mountSmallFilesystem,
  type SmallFilesystem,
  temporaryDirectory,
} from './file-system.js';
