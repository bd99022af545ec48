/**
 * `proapi/testing`: a client for testing gateways over a real socket.
 * Reserved entry point; the testing issue fills it.
 */
export {};
