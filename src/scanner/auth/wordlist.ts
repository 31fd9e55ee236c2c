/**
 * A bounded wordlist of HMAC secrets seen in tutorials, templates and leaked configs. Tried offline against a
 * captured token, so its size costs CPU only (a few milliseconds), never requests.
 */
export const JWT_SECRET_WORDLIST: readonly string[] = [
  'secret', 'Secret', 'SECRET', 'secret123', 'secretkey', 'secret-key', 'secret_key', 'mysecret', 'my-secret', 'my_secret',
  'mysecretkey', 'my-secret-key', 'my_secret_key', 'supersecret', 'super-secret', 'super_secret', 'topsecret', 'jwt', 'jwtsecret',
  'jwt-secret', 'jwt_secret', 'JWT_SECRET', 'jwtSecret', 'jwt-key', 'jwtkey', 'key', 'private', 'privatekey', 'password',
  'Password', 'password1', 'password123', 'passw0rd', 'P@ssw0rd', '123456', '1234567890', '12345678', 'qwerty', 'changeme',
  'change-me', 'changeit', 'default', 'admin', 'test', 'testing', 'dev', 'development', 'demo', 'demo-secret', 'example',
  'your-256-bit-secret', 'your-secret-key', 'your_secret_key', 'yoursecret', 'your-secret', 'shhhhh', 'shhhhhhared-secret',
  'keyboard cat', 'secretOrPrivateKey', 'token', 'tokensecret', 'auth', 'authsecret', 'auth-secret', 'api', 'apisecret',
  'api-secret', 'app', 'appsecret', 'app-secret', 'app_secret', 'server', 'hello', 'helloworld', 'hello-world', 'abc123',
  'letmein', 'welcome', 'root', 'toor', 'node', 'express', 'nestjs', 'django-insecure', 'flask', 'rails', 'laravel',
  's3cr3t', 'S3cr3t', 'sup3rs3cr3t', 'notasecret', 'insecure', 'unsafe', 'xxx', 'foo', 'bar', 'foobar', 'test123',
  'random', 'randomsecret', 'random-secret', 'mykey', 'my-key', 'key123', 'secret1', 'secret12', 'secretkey123', 'sekret',
  'jwt_secret_key', 'jwt-secret-key', 'access-secret', 'refresh-secret', 'session-secret', 'cookie-secret', 'signing-key',
  'rampart', 'gateway', 'users', 'users-api', 'api-key', 'HS256', 'hs256', '', ' ',
];
