export * from './model';
export * from './policy';
export * from './thread';
export * from './mail';
export * from './ports';
export * from './view-model';
export * from './service';
