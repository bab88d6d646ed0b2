// The part of an nginx configuration every e2e test's nginx shares: one worker in the foreground,
// running as root inside its namespace, its pid and temporary files in the test's own folder (so
// nothing is written to /var), no access log. Each test brings its own server blocks.

/** A whole nginx.conf: the shared settings around `servers` (the http block's server blocks). */
export function nginxWith(dir: string, servers: string): string {
  return `
worker_processes 1;
daemon off;
master_process on;
user root;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${servers}
}
`;
}
