package io.wanvideo.gateway.config;

import io.wanvideo.gateway.schedule.Jitter;
import io.wanvideo.gateway.service.TaskIds;

/**
 * What a copy of the process restored from a SnapStart snapshot must not share with the snapshot or with its other
 * copies (README, "Cold start"): the AWS credentials (whatever a provider cached before the snapshot), every secret
 * read from Secrets Manager or SSM (the DashScope keys, the webhook signing secrets: read again on next use), and
 * the random state behind task ids and retry jitter. The functions call {@link #refresh} from their after-restore
 * hook.
 */
public final class AfterRestore {
    private AfterRestore() {}

    public static void refresh() {
        TaskIds.reseed();
        Jitter.reseed();
        RefreshingSecret.forgetAll();
        AwsClientSettings.renewCredentials();
    }
}
