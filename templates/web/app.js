// Progressive enhancement only: every page works without it. The seeker number is normalised as
// the server's B6 rule does it (asked of the server, so the rule exists once), as staff type.
for (const input of document.querySelectorAll('input[name="seekerNumber"]')) {
  const note = document.getElementById(`${input.id}-error`);
  input.addEventListener('blur', async () => {
    if (!input.value.trim()) return;
    const res = await fetch(`/seeker-number?value=${encodeURIComponent(input.value)}`, { credentials: 'same-origin' });
    if (!res.ok) return;
    const r = await res.json();
    if (r.ok) input.value = r.value;
    if (note) note.textContent = r.ok ? '' : r.error;
    input.setAttribute('aria-invalid', r.ok ? 'false' : 'true');
  });
}
