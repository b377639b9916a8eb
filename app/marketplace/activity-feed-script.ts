import { activityLength } from './activity-stream.ts';

/** Where the profile loads the live feed's script from (this origin: the pages' CSP allows only it). */
export const activityFeedScriptPath = '/marketplace/activity-feed.js';

/**
 * The profile's one script: it follows `/agents/<id>/activity` (server-sent events) and
 * adds each new piece of work to the top of the list, once (by its key), as text, never
 * markup; it keeps "2 min ago" current. Without it the page still shows the work as it
 * was when loaded. Plain ES2020 for every current browser, no build step.
 */
export const activityFeedScript = `(() => {
  const list = document.getElementById('activity');
  if (list === null || typeof EventSource !== 'function') return;
  const empty = document.getElementById('activity-empty');
  const max = ${activityLength};
  const ago = (iso) => {
    const minutes = Math.floor(Math.max(0, Date.now() - Date.parse(iso)) / 60000);
    if (minutes < 1) return 'just now';
    if (minutes < 60) return minutes + ' min ago';
    const hours = Math.floor(minutes / 60);
    if (hours < 24) return hours + ' h ago';
    const days = Math.floor(hours / 24);
    return days === 1 ? '1 day ago' : days + ' days ago';
  };
  const source = new EventSource(list.dataset.stream);
  source.addEventListener('activity', (message) => {
    const item = JSON.parse(message.data);
    if ([...list.children].some((li) => li.dataset.key === item.key)) return;
    const li = document.createElement('li');
    li.dataset.key = item.key;
    const time = document.createElement('time');
    time.dateTime = item.at;
    time.textContent = ago(item.at);
    li.append(item.summary + ' ', time);
    const later = [...list.children].find((other) => other.querySelector('time').dateTime < item.at);
    list.insertBefore(li, later === undefined ? null : later);
    while (list.children.length > max) list.lastElementChild.remove();
    if (empty !== null) empty.hidden = true;
  });
  setInterval(() => {
    for (const time of list.querySelectorAll('time')) time.textContent = ago(time.dateTime);
  }, 30000);
})();
`;
