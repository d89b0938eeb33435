{
  // Signing a student in (login, verify-otp, password reset) rotates the CSRF token. The
  // docs page was rendered with the token of its first load, so every unsafe request reads
  // the current csrftoken cookie instead: signup, verify and login then work in one page.
  // drf-spectacular's own interceptor (declared in its swagger_ui.js) runs first.
  requestInterceptor: (request, ...args) => {
    const sent = requestInterceptor(request, ...args);
    if (!["GET", "HEAD", undefined].includes(sent.method) && sent.credentials === "same-origin") {
      const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
      if (cookie) {
        sent.headers["X-CSRFTOKEN"] = decodeURIComponent(cookie.slice("csrftoken=".length));
      }
    }
    return sent;
  },
}
