export function mount(host) {
  host.append("(coming next)");
  return { ready: Promise.resolve() };
}
