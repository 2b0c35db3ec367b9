// A general HTTP/1.1 server on POSIX sockets. Knows nothing of vouchers.
// This file only names the module; its types live beside it.
