// An HTTP component in the FetchEvent style (StarlingMonkey's Request/Response).
addEventListener('fetch', (event) => {
  event.respondWith(new Response('Hello from JavaScript!\n', { headers: { 'content-type': 'text/plain' } }));
});
