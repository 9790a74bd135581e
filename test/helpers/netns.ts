export * from '../../demo/netns-lab';
