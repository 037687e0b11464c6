import { mount } from '../shared/mount';

mount(<p class="muted">Not built yet.</p>);
