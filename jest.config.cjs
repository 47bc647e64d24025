// Jest runs the JS suites as native ES modules (node --experimental-vm-modules).
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/tests/js/**/*.test.js'],
  transform: {},
  testTimeout: 60000,
};
